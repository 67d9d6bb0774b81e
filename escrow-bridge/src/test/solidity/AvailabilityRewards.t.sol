// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import {AvailabilityRewards} from "../../main/solidity/AvailabilityRewards.sol";
import {NodeRegistry} from "../../main/solidity/NodeRegistry.sol";
import {OracleQuorum} from "../../main/solidity/OracleQuorum.sol";
import {QuorumTestBase} from "./QuorumTestBase.sol";

/// Per-epoch Merkle roots signed by the oracles; each node claims its share once.
contract AvailabilityRewardsTest is QuorumTestBase {
    uint64 internal constant WINDOW = 30 days;
    uint64 internal constant EPOCH = 7;

    NodeRegistry internal registry;
    AvailabilityRewards internal rewards;
    address internal provider = address(0xB0B);
    uint256[4] internal nodeKeys = [uint256(0x0DE1), 0x0DE2, 0x0DE3, 0x0DE4];
    address[4] internal nodes;
    uint64[4] internal scores = [uint64(255), 200, 100, 45];
    uint64 internal totalScore = 600;

    function setUp() public override {
        super.setUp();
        registry = new NodeRegistry(governance, _oracleAddresses(), 2, 7 days, 30 days, [uint128(1 ether), 10 ether, 100 ether]);
        rewards = new AvailabilityRewards(governance, _oracleAddresses(), 2, registry, WINDOW);
        vm.deal(provider, 100 ether);
        vm.prank(provider);
        registry.stake{value: 1 ether}();
        for (uint256 i; i < 4; ++i) {
            nodes[i] = vm.addr(nodeKeys[i]);
            bytes memory signature = _signature(nodeKeys[i], registry.registrationDigest(nodes[i], provider));
            vm.prank(provider);
            registry.registerNode(nodes[i], signature);
        }
        rewards.fund{value: 10 ether}();
    }

    // ---- a four-leaf tree laid out as OpenZeppelin's MerkleProof expects (sorted pairs) ----

    function _leaf(address node, uint64 epoch, uint64 score) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(node, epoch, score))));
    }

    function _pair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }

    function _leaves(uint64 epoch) internal view returns (bytes32[4] memory l) {
        for (uint256 i; i < 4; ++i) {
            l[i] = _leaf(nodes[i], epoch, scores[i]);
        }
    }

    function _root(uint64 epoch) internal view returns (bytes32) {
        bytes32[4] memory l = _leaves(epoch);
        return _pair(_pair(l[0], l[1]), _pair(l[2], l[3]));
    }

    function _proof(uint64 epoch, uint256 i) internal view returns (bytes32[] memory proof) {
        bytes32[4] memory l = _leaves(epoch);
        proof = new bytes32[](2);
        proof[0] = l[i ^ 1];
        proof[1] = i < 2 ? _pair(l[2], l[3]) : _pair(l[0], l[1]);
    }

    function _post(uint64 epoch, uint128 reward) internal {
        bytes32 root = _root(epoch);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        rewards.postEpoch(
            epoch, root, totalScore, reward, deadline, _quorum(rewards.epochDigest(epoch, root, totalScore, reward, deadline))
        );
    }

    // ---- tests ----

    function testEachNodeClaimsItsShareForItsProvider() public {
        _post(EPOCH, 6 ether);
        _eq(rewards.unallocated(), 4 ether, "pool after posting");
        uint256 before = provider.balance;
        for (uint256 i; i < 4; ++i) {
            rewards.claim(EPOCH, nodes[i], scores[i], _proof(EPOCH, i));
        }
        // 6 ether × score / 600 each: 2.55 + 2 + 1 + 0.45
        _eq(provider.balance - before, 6 ether, "paid in all");
        _eq(rewards.epochOf(EPOCH).remaining, 0, "remaining");
    }

    function testDoubleRewardClaimIsRefused() public {
        _post(EPOCH, 6 ether);
        rewards.claim(EPOCH, nodes[0], scores[0], _proof(EPOCH, 0));
        bytes32[] memory proof = _proof(EPOCH, 0);
        vm.expectRevert(abi.encodeWithSelector(AvailabilityRewards.AlreadyClaimed.selector, EPOCH, nodes[0]));
        rewards.claim(EPOCH, nodes[0], scores[0], proof);
    }

    function testClaimWithAnInflatedScoreIsRefused() public {
        _post(EPOCH, 6 ether);
        bytes32[] memory proof = _proof(EPOCH, 3);
        vm.expectRevert(AvailabilityRewards.InvalidProof.selector);
        rewards.claim(EPOCH, nodes[3], 255, proof);
    }

    function testProofOfAnotherEpochIsRefused() public {
        _post(EPOCH, 3 ether);
        _post(EPOCH + 1, 3 ether);
        bytes32[] memory proof = _proof(EPOCH, 0);
        vm.expectRevert(AvailabilityRewards.InvalidProof.selector);
        rewards.claim(EPOCH + 1, nodes[0], scores[0], proof);
    }

    function testAnotherNodesProofIsRefused() public {
        _post(EPOCH, 6 ether);
        bytes32[] memory proof = _proof(EPOCH, 0);
        vm.expectRevert(AvailabilityRewards.InvalidProof.selector);
        rewards.claim(EPOCH, nodes[1], scores[0], proof);
    }

    function testClaimBeforeTheEpochIsPostedIsRefused() public {
        bytes32[] memory proof = _proof(EPOCH, 0);
        vm.expectRevert(abi.encodeWithSelector(AvailabilityRewards.EpochNotPosted.selector, EPOCH));
        rewards.claim(EPOCH, nodes[0], scores[0], proof);
    }

    function testEpochPostedTwiceIsRefused() public {
        _post(EPOCH, 1 ether);
        bytes32 root = keccak256("another root");
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _quorum(rewards.epochDigest(EPOCH, root, totalScore, 1 ether, deadline));
        vm.expectRevert(abi.encodeWithSelector(AvailabilityRewards.EpochAlreadyPosted.selector, EPOCH));
        rewards.postEpoch(EPOCH, root, totalScore, 1 ether, deadline, signatures);
    }

    function testRewardBeyondThePoolIsRefused() public {
        bytes32 root = _root(EPOCH);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _quorum(rewards.epochDigest(EPOCH, root, totalScore, 11 ether, deadline));
        vm.expectRevert(abi.encodeWithSelector(AvailabilityRewards.RewardTooLarge.selector, 11 ether, 10 ether));
        rewards.postEpoch(EPOCH, root, totalScore, 11 ether, deadline, signatures);
    }

    function testRootWithATamperedRewardIsRefused() public {
        bytes32 root = _root(EPOCH);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _quorum(rewards.epochDigest(EPOCH, root, totalScore, 1 ether, deadline));
        vm.expectRevert(
            _strangerSigned(rewards.epochDigest(EPOCH, root, totalScore, 9 ether, deadline), signatures)
        );
        rewards.postEpoch(EPOCH, root, totalScore, 9 ether, deadline, signatures);
    }

    function testRootOneSignatureShortIsRefused() public {
        bytes32 root = _root(EPOCH);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 digest = rewards.epochDigest(EPOCH, root, totalScore, 1 ether, deadline);
        vm.expectRevert(abi.encodeWithSelector(OracleQuorum.TooFewSignatures.selector, 1, 2));
        rewards.postEpoch(EPOCH, root, totalScore, 1 ether, deadline, _signature(oracleKeys[0], digest));
    }

    function testRootSignedForTheRegistryIsRefused() public {
        // Same oracles, another contract: its domain differs, so its signatures do not count here.
        bytes32 root = _root(EPOCH);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes32 slashLike = registry.slashDigest(provider, nodes[0], 1 ether, root, deadline);
        bytes memory signatures = _quorum(slashLike);
        vm.expectRevert(
            _strangerSigned(rewards.epochDigest(EPOCH, root, totalScore, 1 ether, deadline), signatures)
        );
        rewards.postEpoch(EPOCH, root, totalScore, 1 ether, deadline, signatures);
    }

    function testExpiredRootIsRefused() public {
        bytes32 root = _root(EPOCH);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        bytes memory signatures = _quorum(rewards.epochDigest(EPOCH, root, totalScore, 1 ether, deadline));
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(AvailabilityRewards.AttestationExpired.selector, deadline));
        rewards.postEpoch(EPOCH, root, totalScore, 1 ether, deadline, signatures);
    }

    function testScoresAddingUpBeyondTheTotalCannotOverdraw() public {
        // The oracles signed a total of 300 for scores that add up to 600: the first claims take
        // the whole reward, the rest are refused instead of paying from other epochs' money.
        bytes32 root = _root(EPOCH);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        rewards.postEpoch(EPOCH, root, 300, 3 ether, deadline, _quorum(rewards.epochDigest(EPOCH, root, 300, 3 ether, deadline)));
        rewards.claim(EPOCH, nodes[0], scores[0], _proof(EPOCH, 0)); // 2.55
        bytes32[] memory proof = _proof(EPOCH, 1);
        vm.expectRevert(abi.encodeWithSelector(AvailabilityRewards.RewardExhausted.selector, EPOCH, 2 ether, 0.45 ether));
        rewards.claim(EPOCH, nodes[1], scores[1], proof);
        _eq(rewards.unallocated(), 7 ether, "the pool is untouched");
    }

    function testDeregisteredNodeCannotClaim() public {
        _post(EPOCH, 6 ether);
        vm.prank(nodes[2]);
        registry.deregisterNode(nodes[2]);
        bytes32[] memory proof = _proof(EPOCH, 2);
        vm.expectRevert(abi.encodeWithSelector(AvailabilityRewards.NodeNotRegistered.selector, nodes[2]));
        rewards.claim(EPOCH, nodes[2], scores[2], proof);
    }

    function testAfterTheWindowTheRestReturnsToThePool() public {
        _post(EPOCH, 6 ether);
        rewards.claim(EPOCH, nodes[0], scores[0], _proof(EPOCH, 0));
        vm.expectRevert(
            abi.encodeWithSelector(AvailabilityRewards.ClaimWindowOpen.selector, EPOCH, block.timestamp + WINDOW)
        );
        rewards.closeEpoch(EPOCH);
        vm.warp(block.timestamp + WINDOW + 1);
        bytes32[] memory proof = _proof(EPOCH, 1);
        vm.expectRevert(abi.encodeWithSelector(AvailabilityRewards.ClaimWindowClosed.selector, EPOCH));
        rewards.claim(EPOCH, nodes[1], scores[1], proof);
        rewards.closeEpoch(EPOCH);
        _eq(rewards.unallocated(), 4 ether + 3.45 ether, "pool");
        rewards.closeEpoch(EPOCH); // nothing left: returns nothing twice
        _eq(rewards.unallocated(), 7.45 ether, "pool after a second close");
    }

    function testReentrantProviderCannotClaimTwice() public {
        ReenteringClaimer attacker = new ReenteringClaimer(rewards);
        vm.deal(address(attacker), 1 ether);
        uint256 key = 0x0DE9;
        address lone = vm.addr(key);
        attacker.register(registry, lone, _signature(key, registry.registrationDigest(lone, address(attacker))));
        // A one-leaf tree: the root is the leaf, the proof empty.
        bytes32 root = _leaf(lone, EPOCH, 100);
        uint64 deadline = uint64(block.timestamp + 1 hours);
        rewards.postEpoch(EPOCH, root, 100, 1 ether, deadline, _quorum(rewards.epochDigest(EPOCH, root, 100, 1 ether, deadline)));
        attacker.arm(EPOCH, lone, 100);
        vm.expectRevert(AvailabilityRewards.TransferFailed.selector);
        rewards.claim(EPOCH, lone, 100, new bytes32[](0));
        _eq(address(rewards).balance, 10 ether, "nothing left the contract");
    }
}

/// A provider contract whose receive() claims the same reward again.
contract ReenteringClaimer {
    AvailabilityRewards private immutable rewards;
    uint64 private epoch;
    address private node;
    uint64 private score;

    constructor(AvailabilityRewards rewards_) {
        rewards = rewards_;
    }

    function register(NodeRegistry registry, address node_, bytes calldata signature) external {
        registry.stake{value: 1 ether}();
        registry.registerNode(node_, signature);
    }

    function arm(uint64 epoch_, address node_, uint64 score_) external {
        (epoch, node, score) = (epoch_, node_, score_);
    }

    receive() external payable {
        rewards.claim(epoch, node, score, new bytes32[](0));
    }
}
